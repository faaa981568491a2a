package dev.parallax.sql.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parallax.sql.SqlStatement;
import dev.parallax.sql.SqlSyntaxException;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.IsolationLevel;
import dev.parallax.txn.lock.LockMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written parser for transaction and utility statements, and the script splitter. */
class FrontParserTest {
  @Test
  void beginAndStartTransactionWithModes() {
    assertEquals(new SqlStatement.Begin(null, null, null), FrontParser.parse("BEGIN"));
    assertEquals(new SqlStatement.Begin(null, null, null), FrontParser.parse("begin work;"));
    assertEquals(new SqlStatement.Begin(IsolationLevel.REPEATABLE_READ, true, null),
        FrontParser.parse("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    assertEquals(new SqlStatement.Begin(IsolationLevel.SERIALIZABLE, false, true),
        FrontParser.parse("start transaction isolation level serializable, read write, deferrable"));
    assertEquals(new SqlStatement.Begin(IsolationLevel.READ_COMMITTED, null, false),
        FrontParser.parse("BEGIN ISOLATION LEVEL READ UNCOMMITTED NOT DEFERRABLE"));
    assertEquals(new SqlStatement.SetTransaction(IsolationLevel.READ_COMMITTED, null, null),
        FrontParser.parse("SET TRANSACTION ISOLATION LEVEL READ COMMITTED"));
  }

  @Test
  void transactionControlAndSavepoints() {
    assertEquals(new SqlStatement.Commit(), FrontParser.parse("COMMIT"));
    assertEquals(new SqlStatement.Commit(), FrontParser.parse("end transaction"));
    assertEquals(new SqlStatement.Rollback(), FrontParser.parse("ABORT"));
    assertEquals(new SqlStatement.Savepoint("s1"), FrontParser.parse("SAVEPOINT s1"));
    assertEquals(new SqlStatement.Savepoint("Mixed"), FrontParser.parse("SAVEPOINT \"Mixed\""));
    assertEquals(new SqlStatement.ReleaseSavepoint("s1"), FrontParser.parse("RELEASE SAVEPOINT S1"));
    assertEquals(new SqlStatement.ReleaseSavepoint("s1"), FrontParser.parse("release s1"));
    assertEquals(new SqlStatement.RollbackToSavepoint("s1"), FrontParser.parse("ROLLBACK TO SAVEPOINT s1"));
    assertEquals(new SqlStatement.RollbackToSavepoint("s1"), FrontParser.parse("rollback work to s1"));
  }

  @Test
  void lockVacuumAnalyzeSetShow() {
    assertEquals(new SqlStatement.LockTable(List.of("t"), LockMode.ACCESS_EXCLUSIVE, false), FrontParser.parse("LOCK t"));
    assertEquals(new SqlStatement.LockTable(List.of("t", "u"), LockMode.SHARE_ROW_EXCLUSIVE, true),
        FrontParser.parse("LOCK TABLE ONLY t, u IN SHARE ROW EXCLUSIVE MODE NOWAIT"));
    assertEquals(new SqlStatement.LockTable(List.of("t"), LockMode.ROW_EXCLUSIVE, false),
        FrontParser.parse("lock table t in row exclusive mode"));
    assertEquals(new SqlStatement.LockTable(List.of("t"), LockMode.SHARE_UPDATE_EXCLUSIVE, false),
        FrontParser.parse("lock table t in share update exclusive mode"));
    assertEquals(new SqlStatement.Vacuum(null), FrontParser.parse("VACUUM"));
    assertEquals(new SqlStatement.Vacuum("t"), FrontParser.parse("vacuum T;"));
    assertEquals(new SqlStatement.Analyze("t"), FrontParser.parse("ANALYZE t"));
    assertEquals(new SqlStatement.SetVariable("work_mem", "64MB"), FrontParser.parse("SET work_mem = '64MB'"));
    assertEquals(new SqlStatement.SetVariable("lock_timeout", "100"), FrontParser.parse("set session lock_timeout to 100"));
    assertEquals(new SqlStatement.SetVariable("work_mem", null), FrontParser.parse("SET work_mem TO DEFAULT"));
    assertEquals(new SqlStatement.SetVariable("work_mem", null), FrontParser.parse("RESET work_mem"));
    assertEquals(new SqlStatement.Show("statement_timeout"), FrontParser.parse("SHOW statement_timeout"));
  }

  @Test
  void otherStatementsAreNotItsOwn() {
    assertNull(FrontParser.parse("SELECT 1"));
    assertNull(FrontParser.parse("  -- a comment\n INSERT INTO t VALUES (1)"));
    assertNull(FrontParser.parse("CREATE TABLE begin_log (a integer)"));
  }

  @Test
  void syntaxErrorsNameTheTokenAndItsPosition() {
    SqlSyntaxException e = assertThrows(SqlSyntaxException.class, () -> FrontParser.parse("BEGIN ISOLATION LEVEL SNAPSHOT"));
    assertEquals(SqlState.SYNTAX_ERROR, e.sqlState());
    assertEquals("syntax error at or near \"snapshot\"", e.getMessage());
    assertEquals(23, e.position());
    e = assertThrows(SqlSyntaxException.class, () -> FrontParser.parse("RELEASE"));
    assertEquals("syntax error at end of input", e.getMessage());
    e = assertThrows(SqlSyntaxException.class, () -> FrontParser.parse("LOCK TABLE t IN SHARE MODE extra"));
    assertEquals(28, e.position());
    e = assertThrows(SqlSyntaxException.class, () -> FrontParser.parse("SET TRANSACTION"));
    assertEquals("syntax error at end of input", e.getMessage());
    e = assertThrows(SqlSyntaxException.class, () -> FrontParser.parse("SAVEPOINT 'x"));
    assertEquals(11, e.position());
  }

  @Test
  void unsupportedFormsAre0A000() {
    for (String sql : List.of("VACUUM FULL t", "VACUUM (VERBOSE) t", "SET LOCAL work_mem = 1", "SHOW ALL", "COMMIT AND CHAIN",
        "VACUUM ANALYZE t")) {
      DatabaseException e = assertThrows(DatabaseException.class, () -> FrontParser.parse(sql), sql);
      assertEquals(SqlState.FEATURE_NOT_SUPPORTED, e.sqlState(), sql);
    }
  }

  @Test
  void scriptsSplitAtSemicolonsOutsideQuotesAndComments() {
    assertEquals(List.of("SELECT 'a;b'", "SELECT \"x;\" FROM t", "/* ; */ SELECT 2"),
        ScriptSplitter.split("SELECT 'a;b'; -- c;\nSELECT \"x;\" FROM t;\n/* ; */ SELECT 2;"));
    assertEquals(List.of("SELECT 'it''s; fine'"), ScriptSplitter.split("SELECT 'it''s; fine';;"));
    assertEquals(true, ScriptSplitter.complete("SELECT 1;"));
    assertEquals(false, ScriptSplitter.complete("SELECT ';"));
    assertEquals(false, ScriptSplitter.complete("SELECT 1"));
    assertEquals(true, ScriptSplitter.complete("SELECT 1; -- done"));
  }
}
