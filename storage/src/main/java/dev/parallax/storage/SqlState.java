package dev.parallax.storage;

/** SQLSTATE codes used by Parallax, with PostgreSQL's meaning. */
public final class SqlState {
  private SqlState() {}

  public static final String SERIALIZATION_FAILURE = "40001";
  public static final String DEADLOCK_DETECTED = "40P01";
  public static final String LOCK_NOT_AVAILABLE = "55P03";
  public static final String OBJECT_IN_USE = "55006";
  public static final String UNDEFINED_TABLE = "42P01";
  public static final String UNDEFINED_COLUMN = "42703";
  public static final String UNDEFINED_OBJECT = "42704";
  public static final String DEPENDENT_OBJECTS_STILL_EXIST = "2BP01";
  public static final String DUPLICATE_TABLE = "42P07";
  public static final String DUPLICATE_COLUMN = "42701";
  public static final String DATATYPE_MISMATCH = "42804";
  public static final String UNDEFINED_FUNCTION = "42883";
  public static final String SYNTAX_ERROR = "42601";
  public static final String DIVISION_BY_ZERO = "22012";
  public static final String SUBSTRING_ERROR = "22011";
  public static final String INVALID_TEXT_REPRESENTATION = "22P02";
  public static final String CANNOT_COERCE = "42846";
  public static final String PROTOCOL_VIOLATION = "08P01";
  public static final String INVALID_NAME = "42602";
  public static final String NOT_NULL_VIOLATION = "23502";
  public static final String UNIQUE_VIOLATION = "23505";
  /** A row changed twice by one MERGE or INSERT ... ON CONFLICT DO UPDATE. */
  public static final String CARDINALITY_VIOLATION = "21000";
  /** No unique index matches an ON CONFLICT target. */
  public static final String INVALID_COLUMN_REFERENCE = "42P10";
  public static final String CHECK_VIOLATION = "23514";
  public static final String PROGRAM_LIMIT_EXCEEDED = "54000";
  public static final String NUMERIC_VALUE_OUT_OF_RANGE = "22003";
  public static final String INVALID_PARAMETER_VALUE = "22023";
  public static final String DATETIME_FIELD_OVERFLOW = "22008";
  public static final String NO_ACTIVE_TRANSACTION = "25P01";
  public static final String ACTIVE_TRANSACTION = "25001";
  public static final String IN_FAILED_TRANSACTION = "25P02";
  public static final String READ_ONLY_TRANSACTION = "25006";
  public static final String INVALID_TRANSACTION_STATE = "25000";
  public static final String INVALID_SAVEPOINT = "3B001";
  public static final String OBJECT_NOT_IN_PREREQUISITE_STATE = "55000";
  public static final String CONNECTION_DOES_NOT_EXIST = "08003";
  public static final String QUERY_CANCELED = "57014";
  public static final String ADMIN_SHUTDOWN = "57P01";
  public static final String DATA_CORRUPTED = "XX001";
  public static final String INDEX_CORRUPTED = "XX002";
  public static final String INTERNAL_ERROR = "XX000";
  public static final String IO_ERROR = "58030";
  public static final String FEATURE_NOT_SUPPORTED = "0A000";
  public static final String INVALID_ROW_ID = "22P02";
}
