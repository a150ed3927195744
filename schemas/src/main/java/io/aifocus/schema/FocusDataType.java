package io.aifocus.schema;

/** FOCUS data types as the specification names them, with the Spark type each one is stored as. */
public enum FocusDataType {
  /** Free text. */
  String,
  /** Exact decimal number; stored as {@code DECIMAL(precision, scale)}, never as floating point. */
  Decimal,
  /** UTC instant; stored as Spark {@code TIMESTAMP} (session time zone UTC). */
  DateTime,
  /** Serialized JSON object, stored as a string. */
  JSON
}
