package dev.parallax.executor.exec;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.mvcc.RowCodec;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The external part of a sort: sorted runs written to temporary files (each record a row encoded
 * with {@link RowCodec}: the sort key values, then the row), and a k-way merge of them. Files are
 * made through {@link TempFiles} ({@code parallax-sort-*.tmp}) and deleted by {@link #close}. One
 * user, the sort's thread.
 */
final class SortRuns implements AutoCloseable {
  private final ColumnType[] types;
  private final int keyCount;
  private final List<Path> files = new ArrayList<>();
  private final TempFiles temp = new TempFiles("sort");
  private long bytesWritten;

  /** @param types the key types followed by the row types */
  SortRuns(ColumnType[] types, int keyCount) {
    this.types = types;
    this.keyCount = keyCount;
  }

  /** Writes one sorted run of (keys, row) pairs. */
  void write(List<Object[][]> sorted) {
    try {
      Path f = temp.create();
      files.add(f);
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(f), 1 << 16))) {
        Object[] both = new Object[types.length];
        for (Object[][] pair : sorted) {
          System.arraycopy(pair[0], 0, both, 0, keyCount);
          System.arraycopy(pair[1], 0, both, keyCount, types.length - keyCount);
          byte[] data = RowCodec.encode(types, both);
          out.writeInt(data.length);
          out.write(data);
          bytesWritten += 4 + data.length;
        }
      }
    } catch (IOException e) {
      throw new DatabaseException(SqlState.IO_ERROR, "could not write a sort run: " + e.getMessage(), e);
    }
  }

  int runs() {
    return files.size();
  }

  long bytesWritten() {
    return bytesWritten;
  }

  /** A merge of every run written, in {@code order} of (keys, row) pairs. */
  Merge merge(Comparator<Object[][]> order) {
    return new Merge(order);
  }

  /** Reads the runs together, always returning the smallest head. */
  final class Merge implements AutoCloseable {
    private final List<DataInputStream> inputs = new ArrayList<>();
    private final PriorityQueue<Head> heads;

    private record Head(Object[][] pair, int run) {}

    Merge(Comparator<Object[][]> order) {
      heads = new PriorityQueue<>((a, b) -> {
        int c = order.compare(a.pair(), b.pair());
        return c != 0 ? c : Integer.compare(a.run(), b.run()); // earlier runs first: the sort stays stable
      });
      try {
        for (int i = 0; i < files.size(); i++) {
          inputs.add(new DataInputStream(new BufferedInputStream(Files.newInputStream(files.get(i)), 1 << 16)));
          advance(i);
        }
      } catch (IOException e) {
        throw new DatabaseException(SqlState.IO_ERROR, "could not read a sort run: " + e.getMessage(), e);
      }
    }

    private void advance(int run) throws IOException {
      DataInputStream in = inputs.get(run);
      int len;
      try {
        len = in.readInt();
      } catch (EOFException end) {
        return;
      }
      byte[] data = new byte[len];
      in.readFully(data);
      Object[] both = RowCodec.decode(types, data, 0);
      Object[] keys = new Object[keyCount];
      Object[] row = new Object[types.length - keyCount];
      System.arraycopy(both, 0, keys, 0, keyCount);
      System.arraycopy(both, keyCount, row, 0, row.length);
      heads.add(new Head(new Object[][] {keys, row}, run));
    }

    /** The next row in order, or null. */
    Object[] next() {
      Head h = heads.poll();
      if (h == null) {
        return null;
      }
      try {
        advance(h.run());
      } catch (IOException e) {
        throw new DatabaseException(SqlState.IO_ERROR, "could not read a sort run: " + e.getMessage(), e);
      }
      return h.pair()[1];
    }

    @Override
    public void close() {
      for (DataInputStream in : inputs) {
        try {
          in.close();
        } catch (IOException e) {
          // a read-only temporary file: nothing to lose
        }
      }
    }
  }

  @Override
  public void close() {
    temp.close();
    files.clear();
  }

  /** A rough size of a row in memory, for the work_mem limit. */
  static long estimate(Object[] values) {
    long size = 16 + 8L * values.length;
    for (Object v : values) {
      if (v instanceof String s) {
        size += 40 + 2L * s.length();
      } else if (v instanceof byte[] b) {
        size += 16 + b.length;
      } else if (v instanceof java.math.BigDecimal) {
        size += 64;
      } else if (v != null) {
        size += 16;
      }
    }
    return size;
  }
}
