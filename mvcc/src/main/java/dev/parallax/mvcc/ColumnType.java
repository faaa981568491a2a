package dev.parallax.mvcc;

import java.math.BigDecimal;
import java.time.LocalDateTime;

/**
 * The column types a row can hold, each with one Java representation. Fixed-width types are
 * stored inline; variable-width types carry a 4-byte length.
 */
public enum ColumnType {
  INTEGER(Integer.class, 4, "integer"),
  BIGINT(Long.class, 8, "bigint"),
  DOUBLE(Double.class, 8, "double precision"),
  TEXT(String.class, -1, "text"),
  BOOLEAN(Boolean.class, 1, "boolean"),
  /** Exact decimal: scale (4 bytes), then the unscaled value's two's-complement bytes. */
  NUMERIC(BigDecimal.class, -1, "numeric"),
  /** Microseconds since 1970-01-01T00:00 (no time zone); sub-microsecond digits are truncated. */
  TIMESTAMP(LocalDateTime.class, 8, "timestamp"),
  BYTEA(byte[].class, -1, "bytea");

  private final Class<?> javaType;
  private final int fixedWidth;
  private final String sqlName;

  ColumnType(Class<?> javaType, int fixedWidth, String sqlName) {
    this.javaType = javaType;
    this.fixedWidth = fixedWidth;
    this.sqlName = sqlName;
  }

  /** The Java class values of this type have. */
  public Class<?> javaType() {
    return javaType;
  }

  /** Bytes per value, or -1 for variable width. */
  public int fixedWidth() {
    return fixedWidth;
  }

  /** The SQL spelling, for messages. */
  public String sqlName() {
    return sqlName;
  }
}
