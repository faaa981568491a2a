package dev.parallax.executor.exec;

import static dev.parallax.executor.plan.PlanBuilder.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.executor.plan.SortKey;
import dev.parallax.mvcc.ColumnType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The external merge sort under a tiny work_mem, and Append / Materialize / Unique. */
class SpillAndSetNodesTest {
  private static final List<ColumnType> T = List.of(ColumnType.INTEGER, ColumnType.TEXT);

  private static List<Object[]> rows(long seed, int n) {
    Random rnd = new Random(seed);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(new Object[] {rnd.nextInt(7) == 0 ? null : rnd.nextInt(200), "r" + i});
    }
    return rows;
  }

  private static List<String> drain(PlanState s) {
    List<String> out = new ArrayList<>();
    for (TupleSlot r = s.next(); r != null; r = s.next()) {
      out.add(Arrays.toString(r.toArray()));
    }
    return out;
  }

  private static long tempRuns() throws IOException {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(f -> f.getFileName().toString().startsWith("parallax-sort-")).count();
    }
  }

  @Test
  void aSortBeyondWorkMemSpillsRunsMergesThemStablyAndCleansUp() throws IOException {
    List<Object[]> input = rows(3, 5000);
    PlanBuilder b = new PlanBuilder();
    Plan sort = b.sort(b.values(T, input, List.of(), null), SortKey.desc(col(0, ColumnType.INTEGER)));
    List<Object[]> expected = new ArrayList<>(input);
    // DESC NULLS FIRST; equal keys keep their input order (a stable sort)
    expected.sort(Comparator.comparing((Object[] r) -> (Integer) r[0], Comparator.nullsFirst(Comparator.<Integer>reverseOrder())));
    List<String> want = expected.stream().map(Arrays::toString).toList();
    long before = tempRuns();
    PlanState s = Executor.start(sort, new ExecContext(null, null, null, null, true).withWorkMem(16 * 1024));
    assertEquals(want, drain(s));
    SortState st = (SortState) s;
    assertEquals("external merge", st.method);
    assertTrue(tempRuns() - before > 5, "several runs were written");
    s.rescan();
    assertEquals(want, drain(s), "a rescan merges the same runs again");
    assertTrue(Explain.analyzed(s).contains("Sort Method: external merge  Disk: "), Explain.analyzed(s));
    s.end();
    assertEquals(before, tempRuns(), "the runs are deleted at the end");
    PlanState inMemory = Executor.start(sort, new ExecContext(null, null, null, null, true));
    assertEquals(want, drain(inMemory));
    assertEquals("quicksort", ((SortState) inMemory).method);
  }

  @Test
  void appendMaterializeAndUnique() {
    PlanBuilder b = new PlanBuilder();
    List<Object[]> a = List.of(new Object[] {1, "a"}, new Object[] {2, "b"});
    List<Object[]> c = List.of(new Object[] {2, "b"}, new Object[] {null, "n"}, new Object[] {null, "n"});
    Plan append = b.append(b.values(T, a, List.of(), null), b.values(T, c, List.of(), null));
    assertEquals(List.of("[1, a]", "[2, b]", "[2, b]", "[null, n]", "[null, n]"),
        drain(Executor.start(append, new ExecContext(null, null, null, null, false))));
    Plan distinct = b.unique(b.sort(append, SortKey.asc(col(0, ColumnType.INTEGER))));
    assertEquals(List.of("[1, a]", "[2, b]", "[null, n]"),
        drain(Executor.start(distinct, new ExecContext(null, null, null, null, false))), "NULLs are not distinct in DISTINCT");
    PlanState m = Executor.start(b.material(append), new ExecContext(null, null, null, null, false));
    List<String> first = drain(m);
    m.rescan();
    assertEquals(first, drain(m));
    assertEquals(1, m.children().get(0).metrics().loops(), "the rescan replays the stored rows");
  }
}
