package dev.parallax.executor.exec;

import dev.parallax.mvcc.ColumnType;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows kept to be read again from the start any number of times: the first ones in memory, up to
 * a byte limit, the rest appended to a temporary file. A merge join keeps its run of equal inner
 * keys here: marking the run's start and restoring to it (PostgreSQL's mark / restore on the
 * inner side) is opening a new {@link Cursor}. {@link #clear} empties it and deletes the file.
 */
final class RowBuffer {
  private static final int FILE_BUFFER = 1 << 16;
  private final TempFiles temp;
  private final ColumnType[] types;
  private final long limit;
  private final List<Object[]> memory = new ArrayList<>();
  private long bytes;
  private SpillFile file;
  private int size;
  private int spills;

  RowBuffer(TempFiles temp, ColumnType[] types, long limit) {
    this.temp = temp;
    this.types = types;
    this.limit = limit;
  }

  void add(Object[] row) {
    if (file == null) {
      long b = RowSize.of(row);
      if (bytes + b <= limit || memory.isEmpty()) {
        memory.add(row);
        bytes += b;
        size++;
        return;
      }
      file = new SpillFile(temp, types, FILE_BUFFER);
      spills++;
    }
    file.write(0, row);
    size++;
  }

  int size() {
    return size;
  }

  boolean spilled() {
    return file != null;
  }

  /** How many times a set of rows overflowed to a file since this buffer was made. */
  int spills() {
    return spills;
  }

  void clear() {
    memory.clear();
    bytes = 0;
    size = 0;
    if (file != null) {
      file.delete();
      file = null;
    }
  }

  /** A reader from the first row (no more rows may be added while it is in use). */
  Cursor cursor() {
    return new Cursor();
  }

  /** Reads the rows in the order added; {@link #position} is the index of the row last returned. */
  final class Cursor {
    private int next;
    private SpillFile.Reader reader;

    /** The next row, or null at the end. */
    Object[] next() {
      if (next < memory.size()) {
        return memory.get(next++);
      }
      if (file == null) {
        return null;
      }
      if (reader == null) {
        reader = file.reader();
      }
      if (!reader.next()) {
        return null;
      }
      next++;
      return reader.row();
    }

    int position() {
      return next - 1;
    }

    void close() {
      if (reader != null) {
        reader.close();
        reader = null;
      }
    }
  }
}
