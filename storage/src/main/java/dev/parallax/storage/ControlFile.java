package dev.parallax.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The control file: where the last checkpoint record is. Written atomically (temp file, fsync,
 * rename, fsync of the directory), so after a crash it points either at the old checkpoint or at
 * the new one, both complete.
 */
record ControlFile(long checkpointLsn, long redoLsn) {
  private static final int MAGIC = 0x50584C43; // "PXLC"
  /** magic, checkpoint LSN, redo LSN, CRC. */
  private static final int SIZE = 4 + 8 + 8 + 4;

  static ControlFile read(Path dir) {
    Path p = dir.resolve("control");
    if (!Files.exists(p)) {
      return null;
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
      if (b.remaining() != SIZE || b.getInt() != MAGIC) {
        throw new DatabaseException(SqlState.DATA_CORRUPTED, "control file " + p + " is damaged");
      }
      long ck = b.getLong();
      long redo = b.getLong();
      int crc = b.getInt();
      if (crc != crc(ck, redo)) {
        throw new DatabaseException(SqlState.DATA_CORRUPTED, "control file " + p + " fails its checksum");
      }
      return new ControlFile(ck, redo);
    } catch (IOException e) {
      throw FilePageStore.io("read " + p, e);
    }
  }

  void write(Path dir) {
    Path tmp = dir.resolve("control.tmp");
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC).putLong(checkpointLsn).putLong(redoLsn).putInt(crc(checkpointLsn, redoLsn)).flip();
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      Files.move(tmp, dir.resolve("control"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException e) {
        // some file systems cannot fsync a directory; the rename is still atomic
      }
    } catch (IOException e) {
      throw FilePageStore.io("write " + tmp, e);
    }
  }

  private static int crc(long a, long b) {
    CRC32C c = new CRC32C();
    c.update(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(a).putLong(b).array());
    return (int) c.getValue();
  }
}
