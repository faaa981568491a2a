package dev.parallax.executor.exec;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The temporary files of one node that spills (hash join batches, hash aggregate partitions, a
 * merge join's run of equal inner keys): created in {@code java.io.tmpdir} with a prefix naming the
 * node kind, and every one still there deleted by {@link #close}. A node closes its files in
 * {@code end()}, which {@link QueryCursor#close} reaches after an error as well as at the end;
 * a node may also delete a file as soon as it has read it for the last time.
 *
 * <p>It also counts what was written (EXPLAIN ANALYZE's "Disk Usage") and remembers every path it
 * created, so tests can check that nothing is left behind. One user, the node's thread.
 */
final class TempFiles implements AutoCloseable {
  private final String prefix;
  private final Set<Path> live = new LinkedHashSet<>();
  private final List<Path> created = new ArrayList<>();
  private long bytesWritten;

  /** @param kind names the files: {@code parallax-<kind>-*.tmp} */
  TempFiles(String kind) {
    this.prefix = "parallax-" + kind + "-";
  }

  Path create() {
    try {
      Path f = Files.createTempFile(prefix, ".tmp");
      live.add(f);
      created.add(f);
      return f;
    } catch (IOException e) {
      throw new DatabaseException(SqlState.IO_ERROR, "could not create a temporary file: " + e.getMessage(), e);
    }
  }

  void delete(Path f) {
    if (live.remove(f)) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException e) {
        // left for the OS to clean its temporary directory
      }
    }
  }

  void wrote(long bytes) {
    bytesWritten += bytes;
  }

  long bytesWritten() {
    return bytesWritten;
  }

  /** Every file created so far, deleted or not (for tests). */
  List<Path> created() {
    return List.copyOf(created);
  }

  /** Files created and not yet deleted. */
  int live() {
    return live.size();
  }

  @Override
  public void close() {
    for (Path f : List.copyOf(live)) {
      delete(f);
    }
  }
}
