package dev.parallax.api.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/parallax}: the command-line tool. Subcommands are added as the engine grows. */
@Command(
    name = "parallax",
    mixinStandardHelpOptions = true,
    version = "parallax 0.1.0",
    description = "Parallax: an embedded, PostgreSQL-style transactional database engine for the JVM.",
    subcommands = {DemoCommand.class, CheckDbCommand.class, ShellCommand.class, CommandLine.HelpCommand.class})
public final class ParallaxCommand implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    int code = new CommandLine(new ParallaxCommand()).execute(args);
    System.exit(code);
  }
}
