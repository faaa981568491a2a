package dev.parallax.tests.stress;

import java.io.PrintStream;

/** Periodic progress lines of a long command on standard error (standard output keeps the results). */
final class ProgressLine {
  private final PrintStream out;
  private final long everyNanos;
  private long last;

  ProgressLine(PrintStream out, long everyMillis) {
    this.out = out;
    this.everyNanos = everyMillis * 1_000_000;
  }

  /** Prints {@code text} with a small bar if a period has passed since the last line (or when done). */
  void line(String text, double fraction) {
    long now = System.nanoTime();
    if (fraction < 1 && now - last < everyNanos) {
      return;
    }
    last = now;
    int filled = (int) Math.round(Math.max(0, Math.min(1, fraction)) * 20);
    out.printf("[%s%s] %s%n", "#".repeat(filled), ".".repeat(20 - filled), text);
  }
}
