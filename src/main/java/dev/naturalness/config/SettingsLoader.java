package dev.naturalness.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import dev.naturalness.data.Metric;
import dev.naturalness.data.RowFlag;
import dev.naturalness.export.ExportFormat;
import dev.naturalness.scoring.SampleEstimator;
import dev.naturalness.scoring.WindowRule;
import dev.naturalness.text.StepSource;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the job's settings once: command line ({@code --config FILE}, repeatable, later files win;
 * {@code --set key=value}) over reference.conf. Every problem is a {@link ConfigError} whose
 * message names the key.
 */
public final class SettingsLoader {
  private SettingsLoader() {}

  /** Parses the command line and resolves the settings. */
  public static Settings.Job fromArgs(String[] args) {
    return resolve(CommandLine.parse(args).user());
  }

  /** Resolves user settings (already layered) over reference.conf. */
  public static Settings.Job resolve(Config user) {
    Config reference = ConfigFactory.defaultReference(SettingsLoader.class.getClassLoader());
    checkKnownKeys(user, reference);
    Config c;
    try {
      c = user.withFallback(reference).resolve();
    } catch (ConfigException e) {
      throw new ConfigError("config: " + e.getMessage());
    }
    ConfigReader r = new ConfigReader(c.getConfig(ConfigKeys.ROOT));
    Settings.Input input = InputSettings.read(r);
    Settings.Scoring scoring = scoring(r, user);
    if (input.shape() != Settings.Shape.FLAT && StepSource.isGiven(scoring.segmenter())) {
      throw new ConfigError(
          "config: naturalness.scoring.segmenter = "
              + scoring.segmenter()
              + " reads each response's steps from a column of its row, which only input.shape ="
              + " flat has (input.shape = "
              + input.shape().key()
              + ")");
    }
    if (!input.thinkMarkers().isEmpty() && scoring.segmenter().equals(StepSource.GIVEN_STEP_ENDS)) {
      throw new ConfigError(
          "config: naturalness.input.think-markers cannot be used with scoring.segmenter ="
              + " step-ends: the given step ends count code points of the text before its markers"
              + " are rewritten (use segmenter = column, whose step texts are rewritten alike)");
    }
    return new Settings.Job(
        input,
        output(r),
        student(r),
        scoring,
        new Settings.Select(r.intAtLeast("select.top-k", 1), require(r)),
        new Settings.Teachers(
            r.intAtLeast("teachers.bootstrap-samples", 0), r.longValue("teachers.seed")),
        new Settings.Partition(
            r.longAtLeast("partition.tokens-per-partition", 1),
            r.intAtLeast("partition.min-partitions", 0)),
        new Settings.Progress(
            positive(r, "progress.interval-seconds"), r.string("progress.status-file").trim()),
        new Settings.Incremental(r.string("incremental.cache").trim()),
        plan(r),
        s3(r),
        new Settings.Spark(
            r.string("spark.app-name"),
            r.string("spark.default-master"),
            r.string("spark.event-log").trim()),
        new Settings.Testing(
            r.bool("testing.fail-first-attempt"),
            r.bool("testing.fail-every-attempt"),
            r.bool("testing.fail-before-publish")),
        shown(c));
  }

  private static Settings.Output output(ConfigReader r) {
    List<ExportFormat> export = new ArrayList<>();
    for (String e : r.stringList("output.export")) {
      ExportFormat format =
          ExportFormat.named(e)
              .orElseThrow(
                  () ->
                      new ConfigError(
                          "config: naturalness.output.export holds '"
                              + e
                              + "'; expected any of "
                              + ExportFormat.keys()));
      if (!export.contains(format)) {
        export.add(format);
      }
    }
    double testShare = r.decimal("output.export-test-share").doubleValue();
    if (testShare < 0 || testShare >= 1) {
      throw new ConfigError(
          "config: naturalness.output.export-test-share must be in [0, 1), got " + testShare);
    }
    return new Settings.Output(
        r.required("output.path"),
        r.choice("output.format", OutputFormat.values(), OutputFormat::key),
        r.bool("output.step-scores"),
        r.string("output.publish-pointer").trim(),
        List.copyOf(export),
        testShare,
        r.longValue("output.export-test-seed"),
        r.string("output.export-license").trim());
  }

  /** select.require's checks, less correct when select.require-correct is false. */
  private static Set<RowFlag> require(ConfigReader r) {
    Set<RowFlag> require = EnumSet.noneOf(RowFlag.class);
    for (String check : r.stringList("select.require")) {
      try {
        require.add(RowFlag.ofCheck(check));
      } catch (IllegalArgumentException e) {
        List<String> known = new ArrayList<>();
        for (RowFlag f : RowFlag.values()) {
          known.add(f.check());
        }
        throw new ConfigError(
            "config: naturalness.select.require holds '" + check + "'; expected any of " + known);
      }
    }
    if (!r.bool("select.require-correct")) {
      require.remove(RowFlag.INCORRECT);
    }
    return require;
  }

  private static Settings.Student student(ConfigReader r) {
    int maxTokens = r.intAtLeast("student.max-tokens", 0);
    if (maxTokens == 1) {
      throw new ConfigError(
          "config: naturalness.student.max-tokens = 1; use 0 (each student's own) or at least 2");
    }
    return new Settings.Student(
        r.pathList("student.path"),
        maxTokens,
        r.oneOf("student.device", "auto", "cpu", "gpu"),
        r.intAtLeast("student.threads", 0),
        r.string("student.local-cache").trim(),
        r.bool("student.check"));
  }

  private static double positive(ConfigReader r, String key) {
    double value = r.decimal(key).doubleValue();
    if (value <= 0) {
      throw new ConfigError("config: naturalness." + key + " must be > 0, got " + value);
    }
    return value;
  }

  private static Settings.Plan plan(ConfigReader r) {
    double tokensPerSecond = r.decimal("plan.tokens-per-second").doubleValue();
    if (tokensPerSecond < 0) {
      throw new ConfigError(
          "config: naturalness.plan.tokens-per-second must be >= 0, got " + tokensPerSecond);
    }
    return new Settings.Plan(
        r.bool("plan.only"), tokensPerSecond, r.string("plan.previous-summary").trim());
  }

  private static Settings.S3 s3(ConfigReader r) {
    Settings.S3 s3 =
        new Settings.S3(
            r.string("s3.endpoint"),
            r.string("s3.region"),
            r.bool("s3.path-style-access"),
            secret(r, "s3.access-key"),
            secret(r, "s3.secret-key"),
            r.string("s3.credential-providers").trim(),
            r.oneOf("s3.committer", "magic", "directory", "none"),
            r.intAtLeast("s3.preflight-timeout-seconds", 1));
    if ((s3.accessKey() == null) != (s3.secretKey() == null)) {
      throw new ConfigError(
          "config: set both naturalness.s3.access-key and naturalness.s3.secret-key (or "
              + "NATURALNESS_S3_ACCESS_KEY and NATURALNESS_S3_SECRET_KEY), or neither");
    }
    return s3;
  }

  /**
   * An S3 key from the config, else from the environment (NATURALNESS_S3_ACCESS_KEY,
   * NATURALNESS_S3_SECRET_KEY: how the submit scripts pass keys given on their command line), else
   * null (S3A's own providers: AWS_ACCESS_KEY_ID, s3.credential-providers, an instance profile).
   */
  private static String secret(ConfigReader r, String key) {
    if (r.c.hasPath(key)) {
      return r.string(key);
    }
    String variable = ConfigKeys.secretVariable(key);
    String value = System.getenv(variable);
    return value == null || value.isEmpty() ? null : value;
  }

  /** The resolved config as JSON, secrets shown as ***. */
  private static String shown(Config c) {
    Config shown = c.getConfig(ConfigKeys.ROOT);
    for (String secret : ConfigKeys.SECRETS) {
      if (shown.hasPath(secret)) {
        shown = shown.withValue(secret, ConfigValueFactory.fromAnyRef("***"));
      }
    }
    return shown.root().render(ConfigRenderOptions.concise().setFormatted(true));
  }

  private static Settings.Scoring scoring(ConfigReader r, Config user) {
    double share = r.decimal("scoring.max-model-error-share").doubleValue();
    if (share < 0 || share > 1) {
      throw new ConfigError(
          "config: naturalness.scoring.max-model-error-share must be in [0, 1], got " + share);
    }
    return new Settings.Scoring(
        r.oneOf("scoring.segmenter", StepSource.NAMES.toArray(new String[0])),
        windows(r, user),
        r.bool("scoring.window.include-prompt"),
        metrics(r),
        sampleSteps(r),
        r.choice("scoring.sample-estimator", SampleEstimator.values(), SampleEstimator::key),
        share,
        new Settings.Batching(
            r.batchSize("scoring.batch.max-tokens", 2),
            r.intAtLeast("scoring.batch.row-tokens", 2),
            r.bool("scoring.batch.pack"),
            r.intAtLeast("scoring.responses-per-group", 1)),
        exactCheckShare(r));
  }

  /** A share in [0, 1], and only where steps are sampled (exact scores need no check). */
  private static double exactCheckShare(ConfigReader r) {
    double share = r.decimal("scoring.exact-check-share").doubleValue();
    if (share < 0 || share > 1) {
      throw new ConfigError(
          "config: naturalness.scoring.exact-check-share must be in [0, 1], got " + share);
    }
    if (share > 0 && r.intAtLeast("scoring.sample-steps", 0) == 0) {
      throw new ConfigError(
          "config: naturalness.scoring.exact-check-share = "
              + share
              + " checks sampled scores against exact ones, but naturalness.scoring.sample-steps"
              + " = 0 scores every step already: set sample-steps, or the share to 0");
    }
    return share;
  }

  /** 0 (every step) or a sample of at least 2 steps: a standard error needs two. */
  private static int sampleSteps(ConfigReader r) {
    int m = r.intAtLeast("scoring.sample-steps", 0);
    if (m == 1) {
      throw new ConfigError(
          "config: naturalness.scoring.sample-steps = 1; a standard error needs two sampled steps:"
              + " use 0 (every step) or at least 2");
    }
    return m;
  }

  /** scoring.windows, or the one window of scoring.window.steps / fraction. */
  private static List<WindowRule> windows(ConfigReader r, Config user) {
    boolean userSteps = user.hasPath(ConfigKeys.ROOT + ".scoring.window.steps");
    boolean userFraction = user.hasPath(ConfigKeys.ROOT + ".scoring.window.fraction");
    if (userSteps && userFraction) {
      throw new ConfigError(
          "config: set only one of naturalness.scoring.window.steps and naturalness.scoring.window.fraction");
    }
    List<WindowRule> windows = new ArrayList<>();
    for (String spec : r.stringList("scoring.windows")) {
      WindowRule rule;
      try {
        rule = WindowRule.parse(spec);
      } catch (IllegalArgumentException e) {
        throw new ConfigError("config: naturalness.scoring.windows: " + e.getMessage());
      }
      if (windows.contains(rule)) {
        throw new ConfigError(
            "config: naturalness.scoring.windows holds " + rule.spec() + " twice");
      }
      windows.add(rule);
    }
    if (!windows.isEmpty() && (userSteps || userFraction)) {
      throw new ConfigError(
          "config: set naturalness.scoring.windows or naturalness.scoring.window.steps/fraction, not both");
    }
    if (!windows.isEmpty()) {
      return windows;
    }
    if (r.c.hasPath("scoring.window.steps")) {
      return List.of(new WindowRule.Steps(r.intAtLeast("scoring.window.steps", 0)));
    }
    BigDecimal fraction = r.decimal("scoring.window.fraction");
    if (fraction.signum() < 0 || fraction.compareTo(BigDecimal.ONE) > 0) {
      throw new ConfigError(
          "config: naturalness.scoring.window.fraction must be in [0, 1], got " + fraction);
    }
    return List.of(new WindowRule.Fraction(fraction));
  }

  private static Set<Metric> metrics(ConfigReader r) {
    Set<Metric> metrics = EnumSet.noneOf(Metric.class);
    for (String m : r.stringList("scoring.metrics")) {
      try {
        metrics.add(Metric.of(m));
      } catch (IllegalArgumentException e) {
        throw new ConfigError(
            "config: naturalness.scoring.metrics holds '" + m + "'; expected lalp and/or galp");
      }
    }
    if (metrics.isEmpty()) {
      throw new ConfigError(
          "config: naturalness.scoring.metrics is empty; expected lalp and/or galp");
    }
    return metrics;
  }

  private static void checkKnownKeys(Config user, Config reference) {
    for (String top : user.root().keySet()) {
      if (!top.equals(ConfigKeys.ROOT)) {
        throw new ConfigError(
            "config: unknown key '"
                + top
                + "'; every setting lives under '"
                + ConfigKeys.ROOT
                + "'");
      }
    }
    for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
      checkKnownKey(e.getKey(), reference);
    }
    // entrySet skips null values; a misspelt key set to null is still misspelt.
    checkNulls(user.root(), "", reference);
  }

  private static void checkNulls(ConfigObject object, String prefix, Config reference) {
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      String key = prefix + ConfigUtil.quoteString(e.getKey()).replaceAll("^\"(.*)\"$", "$1");
      if (e.getValue().valueType() == ConfigValueType.OBJECT) {
        checkNulls((ConfigObject) e.getValue(), key + ".", reference);
      } else if (e.getValue().valueType() == ConfigValueType.NULL) {
        checkKnownKey(key, reference);
      }
    }
  }

  /**
   * Sections whose keys the user names (teachers, families, markers): read and checked by their
   * reader.
   */
  private static final List<String> OPEN_SECTIONS =
      List.of(
          ConfigKeys.ROOT + ".input.teachers.",
          ConfigKeys.ROOT + ".input.teacher-families.",
          ConfigKeys.ROOT + ".input.think-markers.");

  private static void checkKnownKey(String key, Config reference) {
    if (OPEN_SECTIONS.stream().anyMatch(key::startsWith)) {
      return;
    }
    if (!reference.hasPathOrNull(key)) {
      // Name the keys of the nearest section that exists, so a typo is easy to see.
      String parent = key;
      String hint = "";
      while (parent.contains(".")) {
        parent = parent.substring(0, parent.lastIndexOf('.'));
        if (reference.hasPath(parent)
            && reference.getValue(parent).valueType() == ConfigValueType.OBJECT) {
          hint =
              "; known keys there: " + new TreeSet<>(reference.getConfig(parent).root().keySet());
          break;
        }
      }
      throw new ConfigError("config: unknown key '" + key + "'" + hint);
    }
  }
}
