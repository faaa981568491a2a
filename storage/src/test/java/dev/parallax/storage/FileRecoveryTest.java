package dev.parallax.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash recovery of the file engine: {@code crashForTesting()} stops it without writing dirty pages
 * or a checkpoint, the log holds only what was flushed, and reopening must rebuild every page the
 * flushed log describes, survive a torn log tail and a torn page write, and report a corrupt page
 * that replay does not touch.
 */
class FileRecoveryTest {
  private static final StorageSettings SETTINGS =
      StorageSettings.defaults().withBufferPoolPages(32).withCheckpointIntervalMillis(0);

  @TempDir Path dir;

  private final TestPages pages = new TestPages();

  private StorageEngine open() {
    return TestPages.open(dir, SETTINGS, pages);
  }

  private void randomWrites(StorageEngine e, Random rnd, int blocks, int writes) {
    for (int i = 0; i < writes; i++) {
      byte[] bytes = new byte[1 + rnd.nextInt(200)];
      rnd.nextBytes(bytes);
      pages.write(e, rnd.nextInt(blocks), 24 + rnd.nextInt(SlottedPage.PAGE_SIZE - 24 - bytes.length), bytes);
    }
  }

  private void assertPagesMatchModel(StorageEngine e) {
    for (int block : pages.model.keySet()) {
      assertArrayEquals(pages.expectedBody(block), TestPages.body(e, block), "block " + block);
    }
  }

  @Test
  void replayRebuildsPagesThatNeverReachedDisk() {
    Random rnd = new Random(1);
    StorageEngine e = open();
    e.recover();
    e.bufferPool().createRelation(TestPages.REL);
    for (int i = 0; i < 100; i++) {
      pages.extend(e);
    }
    randomWrites(e, rnd, 100, 3000); // 100 pages through a 32-frame pool: many write-backs
    e.wal().flush(e.wal().insertPosition());
    ((FileStorageEngine) e).crashForTesting();

    StorageEngine again = open();
    RecoveryResult r = again.recover();
    assertTrue(r.recordsReplayed() > 3000, "replayed " + r.recordsReplayed());
    assertFalse(r.stoppedAtTornTail());
    int blocks = again.bufferPool().blockCount(TestPages.REL);
    // Files grow in 16-page extents: blocks past the last written one read as new (all zero).
    assertTrue(blocks >= 100 && blocks < 116, "blocks " + blocks);
    for (int b = 100; b < blocks; b++) {
      assertArrayEquals(new byte[SlottedPage.PAGE_SIZE - 24], TestPages.body(again, b), "extent tail block " + b);
    }
    assertPagesMatchModel(again);
    again.close();

    StorageEngine clean = open();
    RecoveryResult afterClean = clean.recover();
    assertTrue(afterClean.recordsReplayed() <= 2, "a clean close leaves almost nothing to replay: "
        + afterClean.recordsReplayed());
    assertPagesMatchModel(clean);
    clean.close();
  }

  @Test
  void aTornLogTailEndsReplayCleanlyAndLaterWorkSurvives() throws IOException {
    StorageEngine e = open();
    e.recover();
    e.bufferPool().createRelation(TestPages.REL);
    int block = pages.extend(e);
    pages.write(e, block, 100, new byte[] {1, 1, 1});
    e.wal().flush(e.wal().insertPosition());
    long beforeLast = e.wal().insertPosition();
    byte[] lost = new byte[300];
    new Random(2).nextBytes(lost);
    pages.write(e, block, 200, lost);
    e.wal().flush(e.wal().insertPosition());
    ((FileStorageEngine) e).crashForTesting();

    // Tear the last record: keep only its first half.
    Path segment = lastSegment();
    long segmentStart = Long.parseUnsignedLong(segment.getFileName().toString(), 16);
    long lastRecordLength;
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      lastRecordLength = f.length() - (beforeLast - segmentStart);
      f.setLength(beforeLast - segmentStart + lastRecordLength / 2);
    }
    assertTrue(lastRecordLength > 300);

    StorageEngine again = open();
    RecoveryResult r = again.recover();
    assertTrue(r.stoppedAtTornTail());
    byte[] body = TestPages.body(again, block);
    assertEquals(1, body[100 - 24], "the record before the torn one is applied");
    assertEquals(0, body[200 - 24 + 5], "the torn record is not");
    pages.model.get(block)[200 + 5] = 0; // forget the lost write in the model ...
    System.arraycopy(new byte[300], 0, pages.model.get(block), 200, 300);
    pages.write(again, block, 600, new byte[] {7, 7}); // ... and go on writing after it
    again.wal().flush(again.wal().insertPosition());
    ((FileStorageEngine) again).crashForTesting();

    StorageEngine third = open();
    RecoveryResult r3 = third.recover();
    assertFalse(r3.stoppedAtTornTail(), "the log continues cleanly after the cut");
    assertPagesMatchModel(third);
    third.close();
  }

  @Test
  void aCorruptByteInTheLastRecordIsATornTailToo() throws IOException {
    StorageEngine e = open();
    e.recover();
    e.bufferPool().createRelation(TestPages.REL);
    int block = pages.extend(e);
    pages.write(e, block, 100, new byte[] {5});
    e.wal().flush(e.wal().insertPosition());
    ((FileStorageEngine) e).crashForTesting();
    Path segment = lastSegment();
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      f.seek(f.length() - 3);
      int b = f.read();
      f.seek(f.length() - 3);
      f.write(b ^ 0x40);
    }
    StorageEngine again = open();
    assertTrue(again.recover().stoppedAtTornTail());
    assertEquals(0, TestPages.body(again, block)[100 - 24], "the damaged record is not applied");
    again.close();
  }

  @Test
  void aTornPageWriteIsRepairedFromTheFullPageImage() throws IOException {
    Random rnd = new Random(3);
    StorageEngine e = open();
    e.recover();
    e.bufferPool().createRelation(TestPages.REL);
    for (int i = 0; i < 4; i++) {
      pages.extend(e);
    }
    randomWrites(e, rnd, 4, 50);
    e.checkpoint(); // pages on disk; the next change to each page logs its full image
    long imagesBefore = e.wal().stats().fullPageImages();
    pages.write(e, 2, 4000, new byte[] {9, 9, 9, 9});
    assertEquals(imagesBefore + 1, e.wal().stats().fullPageImages());
    e.wal().flush(e.wal().insertPosition());
    ((FileStorageEngine) e).crashForTesting();

    // The crash tore block 2 on disk: its second half is garbage.
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("base").resolve(Integer.toString(TestPages.REL)).toFile(),
        "rw")) {
      byte[] garbage = new byte[SlottedPage.PAGE_SIZE / 2];
      rnd.nextBytes(garbage);
      f.seek(2L * SlottedPage.PAGE_SIZE + SlottedPage.PAGE_SIZE / 2);
      f.write(garbage);
    }
    StorageEngine again = open();
    again.recover();
    assertPagesMatchModel(again);
    again.close();
  }

  @Test
  void aFlippedByteInAPageReplayDoesNotTouchIsReportedAsCorruption() throws IOException {
    StorageEngine e = open();
    e.recover();
    e.bufferPool().createRelation(TestPages.REL);
    for (int i = 0; i < 4; i++) {
      pages.extend(e);
    }
    pages.write(e, 3, 500, new byte[] {1, 2, 3});
    e.close(); // checkpointed: nothing to replay at the next open
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("base").resolve(Integer.toString(TestPages.REL)).toFile(),
        "rw")) {
      f.seek(3L * SlottedPage.PAGE_SIZE + 1000);
      int b = f.read();
      f.seek(3L * SlottedPage.PAGE_SIZE + 1000);
      f.write(b ^ 1);
    }
    StorageEngine again = open();
    again.recover();
    DataCorruptedException x = assertThrows(DataCorruptedException.class,
        () -> again.bufferPool().pin(new PageId(TestPages.REL, 3)).close());
    assertEquals(SqlState.DATA_CORRUPTED, x.sqlState());
    assertTrue(x.getMessage().contains(Integer.toString(TestPages.REL)) && x.getMessage().contains("3"), x.getMessage());
    assertArrayEquals(pages.expectedBody(2), TestPages.body(again, 2), "other pages stay readable");
    assertThrows(DataCorruptedException.class, () -> again.bufferPool().pin(new PageId(TestPages.REL, 3)).close(),
        "asked again, still an error, never a wrong page");
    again.close();
  }

  private Path lastSegment() throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("wal"))) {
      List<Path> all = s.sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
      return all.get(all.size() - 1);
    }
  }

  @Test
  void checkpointsRemoveSegmentsReplayNoLongerNeeds() throws IOException {
    StorageSettings smallSegments = SETTINGS.withWalSegmentBytes(64 * 1024);
    StorageEngine e = TestPages.open(dir, smallSegments, pages);
    e.recover();
    e.bufferPool().createRelation(TestPages.REL);
    for (int i = 0; i < 8; i++) {
      pages.extend(e);
    }
    randomWrites(e, new Random(4), 8, 3000); // ~300 KiB of log: several segments
    e.wal().flush(e.wal().insertPosition());
    long before = segmentCount();
    assertTrue(before >= 4, "segments " + before);
    e.checkpoint();
    long after = segmentCount();
    assertTrue(after <= 2, "a checkpoint leaves only the segment(s) replay may read: " + after);
    pages.write(e, 1, 300, new byte[] {4});
    e.wal().flush(e.wal().insertPosition());
    ((FileStorageEngine) e).crashForTesting();
    StorageEngine again = TestPages.open(dir, smallSegments, pages);
    again.recover();
    assertPagesMatchModel(again);
    again.close();
  }

  private long segmentCount() throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("wal"))) {
      return s.count();
    }
  }
}
