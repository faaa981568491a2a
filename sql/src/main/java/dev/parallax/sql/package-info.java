/**
 * The PostgreSQL-dialect SQL front end (road step 5): {@link dev.parallax.sql.SqlFrontEnd} turns
 * one statement's text into a {@link dev.parallax.sql.SqlStatement} — an executor plan for queries
 * and DML, or a command record saying what the api must do for DDL, transaction control and
 * utility statements — against a {@link dev.parallax.sql.SqlCatalog} the api implements.
 * Parsing lives in {@code parse}, name resolution and typing in {@code bind}, planning in
 * {@code plan}.
 */
package dev.parallax.sql;
