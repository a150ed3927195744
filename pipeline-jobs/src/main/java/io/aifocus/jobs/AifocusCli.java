package io.aifocus.jobs;

import io.aifocus.api.ErrorCategory;
import io.aifocus.api.PipelineException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code aifocus} command line and the spark-submit entry point ({@code --class
 * io.aifocus.jobs.AifocusCli}).
 *
 * <p>Exit codes: 0 success; 1 validation or reconciliation failed, or an internal error; 2 bad usage or
 * configuration; 3 bad input data (a file that cannot be read or lacks a required column); 4 a hard spend cap is
 * reached ({@code run --fail-on-cap}).
 */
@Command(
    name = "aifocus",
    mixinStandardHelpOptions = true,
    versionProvider = AifocusCli.Version.class,
    description = "FOCUS 1.3 cost data pipeline for AI spend, on Apache Spark and Delta Lake.",
    subcommands = {DemoCommand.class, RunCommand.class, SqlCommand.class, ValidateCommand.class, ExportCommand.class,
        CompactCommand.class, ReportCommand.class, BenchCommand.class},
    footer = {"", "Run 'aifocus COMMAND --help' for a command's options. Docs: README.md, docs/."})
public final class AifocusCli implements Runnable {
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_INPUT = 3;
  /** {@code run --fail-on-cap}: a budget's hard spend cap is reached (AIF-9101). */
  public static final int EXIT_CAP = 4;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (demo, run, sql, validate, export, compact, report, bench)");
  }

  public static void main(String[] args) {
    int code = execute(args);
    System.exit(code);
  }

  /** Runs the CLI and returns the exit code (tests call this instead of main). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new AifocusCli());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      if (e instanceof PipelineException pe) {
        err.println("aifocus: error: " + pe.getMessage());
        err.flush();
        return pe.errorCode().category() == ErrorCategory.CONFIGURATION ? EXIT_USAGE
            : pe.errorCode().category() == ErrorCategory.INPUT_DATA ? EXIT_INPUT : EXIT_FAILED;
      }
      PipelineException cause = findCause(e);
      if (cause != null) {
        err.println("aifocus: error: " + cause.getMessage());
        err.flush();
        return cause.errorCode().category() == ErrorCategory.INPUT_DATA ? EXIT_INPUT : EXIT_FAILED;
      }
      err.println("aifocus: internal error: " + e);
      e.printStackTrace(err);
      err.flush();
      return EXIT_FAILED;
    });
    return cli.execute(args);
  }

  private static PipelineException findCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PipelineException pe) {
        return pe;
      }
    }
    return null;
  }

  /** Version from the build, with the Spark and Delta versions it was built against. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      return lines();
    }

    /** The version lines (aifocus, Spark, Delta Lake, FOCUS). */
    String[] lines() {
      Properties p = new Properties();
      try (InputStream in = AifocusCli.class.getClassLoader().getResourceAsStream("aifocus/version.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot read aifocus/version.properties", e);
      }
      return new String[] {
        "aifocus " + p.getProperty("version", "unknown"),
        "Spark " + p.getProperty("spark", "?") + ", Delta Lake " + p.getProperty("delta", "?") + ", FOCUS 1.3"
      };
    }
  }
}
