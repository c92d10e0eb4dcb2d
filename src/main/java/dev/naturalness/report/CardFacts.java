package dev.naturalness.report;

import dev.naturalness.checks.JobChecks;
import dev.naturalness.checks.StudentChecks;
import dev.naturalness.config.Settings;
import dev.naturalness.data.Metric;
import dev.naturalness.data.RowFlag;
import dev.naturalness.export.DatasetCard;
import dev.naturalness.model.StudentManifest;
import dev.naturalness.scoring.WindowRule;
import dev.naturalness.text.ChatTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What an export's dataset card says of the run that made it. */
public final class CardFacts {
  private CardFacts() {}

  public static DatasetCard.Facts of(JobChecks.Checked checked, List<RunSummary.Funnel> funnel) {
    Settings.Job s = checked.settings();
    Map<String, String> students = new LinkedHashMap<>();
    Map<String, String> rendering = new LinkedHashMap<>();
    for (StudentChecks.Prepared p : checked.students()) {
      students.put(p.spec().name(), student(p));
      rendering.put(p.spec().name(), rendering(p.manifest(), s.input().shape()));
    }
    List<String> windows = s.scoring().windows().stream().map(WindowRule::spec).toList();
    List<String> metrics = new ArrayList<>();
    for (Metric m : Metric.values()) {
      if (s.scoring().metrics().contains(m)) {
        metrics.add(m.key());
      }
    }
    String definition =
        s.scoring().segmenter()
            + " steps, windows "
            + windows
            + " (the first ranks), metrics "
            + metrics
            + (s.scoring().sampleSteps() > 0
                ? ", " + s.scoring().sampleSteps() + " sampled steps of longer responses"
                : ", every step")
            + (s.input().form().isEmpty() ? "" : "; input " + s.input().form());
    List<String> checks = new ArrayList<>();
    for (RowFlag f : s.select().require()) {
      checks.add(f.check());
    }
    String selection =
        "the top "
            + s.select().topK()
            + " response(s) per prompt by LALP"
            + (checks.isEmpty() ? "" : ", each passing " + checks);
    Map<String, Map<String, Long>> steps = new LinkedHashMap<>();
    for (RunSummary.Funnel f : funnel) {
      Map<String, Long> all = new LinkedHashMap<>();
      all.put("rows", f.rows());
      all.putAll(f.steps());
      all.put("selected", f.selected());
      steps.put(f.student(), all);
    }
    return new DatasetCard.Facts(
        checked.runId(),
        checked.students().get(0).spec().definition().hash(),
        students,
        rendering,
        definition,
        selection,
        steps,
        s.output().exportTestShare(),
        s.output().exportTestSeed(),
        s.output().exportLicense());
  }

  /** What a student is: its family, model and length limit. */
  private static String student(StudentChecks.Prepared p) {
    String family = p.manifest().family().isEmpty() ? "" : "family " + p.manifest().family() + ", ";
    return family
        + "model sha256 "
        + p.manifest().modelSha256().substring(0, 16)
        + ", max-tokens "
        + p.spec().definition().maxTokens();
  }

  /**
   * How a student rendered a prompt when it scored it: its chat template's pieces (and default
   * system text), or its prompt template around the plain text of the turns.
   */
  static String rendering(StudentManifest m, Settings.Shape shape) {
    ChatTemplate chat = m.chatTemplate();
    String trainer =
        chat == null
            ? ""
            : chat.defaultSystemContent()
                .map(
                    text ->
                        "; a conversation without a system turn was scored with this default system"
                            + " text, so give a trainer's template the same (LLaMA-Factory:"
                            + " `default_system: "
                            + DatasetCard.quoted(text).replace("`", "")
                            + "`, whose own templates may differ)")
                .orElse("");
    return renderingOf(m, shape, chat) + trainer;
  }

  private static String renderingOf(StudentManifest m, Settings.Shape shape, ChatTemplate chat) {
    String template = "prompt-template " + DatasetCard.quoted(m.promptTemplate());
    if (shape == Settings.Shape.MESSAGES || shape == Settings.Shape.CONVERSATIONS) {
      if (chat != null) {
        return "chat template pieces system "
            + DatasetCard.quoted(chat.system())
            + ", user "
            + DatasetCard.quoted(chat.user())
            + ", assistant "
            + DatasetCard.quoted(chat.assistant())
            + ", generation "
            + DatasetCard.quoted(chat.generation())
            + (chat.defaultSystem().isEmpty()
                ? ", no default system text"
                : ", default system text " + DatasetCard.quoted(chat.defaultSystem()));
      }
      return template
          + " around the turns as plain text (every turn but a final user turn as `Role: text`"
          + " and a blank line)";
    }
    return template + " around the prompt text";
  }
}
