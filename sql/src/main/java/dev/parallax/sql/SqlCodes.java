package dev.parallax.sql;

/**
 * SQLSTATE codes only the front end raises (the rest are in storage's {@code SqlState}), with
 * PostgreSQL's meaning.
 */
public final class SqlCodes {
  private SqlCodes() {}

  public static final String AMBIGUOUS_COLUMN = "42702";
  public static final String DUPLICATE_ALIAS = "42712";
  public static final String GROUPING_ERROR = "42803";
  public static final String INVALID_COLUMN_REFERENCE = "42P10";
  public static final String UNDEFINED_PARAMETER = "42P02";
  public static final String UNRECOGNIZED_SETTING = "42704";
}
