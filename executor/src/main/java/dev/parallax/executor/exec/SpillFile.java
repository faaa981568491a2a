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

/**
 * An append-only temporary file of rows, each with an int tag (a hash join stores the row's hash
 * there, so moving it to a later batch needs no re-hashing). Written first, then read any number
 * of times from the start; the file is opened on the first write, so an empty one costs nothing.
 * Records: tag (4), length (4), the row encoded with {@link RowCodec}.
 */
final class SpillFile {
  private final TempFiles files;
  private final ColumnType[] types;
  private final int bufferBytes;
  private Path path;
  private DataOutputStream out;
  private long rows;
  private boolean sealed;

  SpillFile(TempFiles files, ColumnType[] types, int bufferBytes) {
    this.files = files;
    this.types = types;
    this.bufferBytes = bufferBytes;
  }

  void write(int tag, Object[] row) {
    if (sealed) {
      throw new IllegalStateException("a spill file is written before it is read");
    }
    try {
      if (out == null) {
        path = files.create();
        out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(path), bufferBytes));
      }
      byte[] data = RowCodec.encode(types, row);
      out.writeInt(tag);
      out.writeInt(data.length);
      out.write(data);
      files.wrote(8L + data.length);
      rows++;
    } catch (IOException e) {
      throw new DatabaseException(SqlState.IO_ERROR, "could not write a temporary file: " + e.getMessage(), e);
    }
  }

  long rows() {
    return rows;
  }

  /** A reader from the first row; no more writes after this. */
  Reader reader() {
    sealed = true;
    try {
      if (out != null) {
        out.close();
        out = null;
      }
      return new Reader(path == null ? null
          : new DataInputStream(new BufferedInputStream(Files.newInputStream(path), bufferBytes)));
    } catch (IOException e) {
      throw new DatabaseException(SqlState.IO_ERROR, "could not read a temporary file: " + e.getMessage(), e);
    }
  }

  /** Deletes the file now (the owner's close would otherwise). */
  void delete() {
    try {
      if (out != null) {
        out.close();
        out = null;
      }
    } catch (IOException e) {
      // about to be deleted
    }
    if (path != null) {
      files.delete(path);
    }
    sealed = true;
  }

  /** Reads the rows back in the order written. */
  final class Reader implements AutoCloseable {
    private final DataInputStream in;
    private int tag;
    private Object[] row;

    private Reader(DataInputStream in) {
      this.in = in;
    }

    /** Moves to the next row; false at the end (and the reader is closed). */
    boolean next() {
      if (in == null) {
        return false;
      }
      try {
        try {
          tag = in.readInt();
        } catch (EOFException end) {
          close();
          return false;
        }
        byte[] data = new byte[in.readInt()];
        in.readFully(data);
        row = RowCodec.decode(types, data, 0);
        return true;
      } catch (IOException e) {
        throw new DatabaseException(SqlState.IO_ERROR, "could not read a temporary file: " + e.getMessage(), e);
      }
    }

    int tag() {
      return tag;
    }

    /** The current row: a new array for each row. */
    Object[] row() {
      return row;
    }

    @Override
    public void close() {
      if (in != null) {
        try {
          in.close();
        } catch (IOException e) {
          // a read-only temporary file: nothing to lose
        }
      }
    }
  }
}
