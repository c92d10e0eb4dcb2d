package dev.naturalness.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The card's YAML header that load_dataset reads, and what its text says. */
class DatasetCardTest {
  static DatasetCard.Facts facts(double testShare, String license) {
    return new DatasetCard.Facts(
        "run-1",
        "hash",
        Map.of("a", "family llama"),
        Map.of("a", "ChatML"),
        "paragraph steps",
        "top-1",
        Map.of("a", Map.of("read", 10L)),
        testShare,
        7,
        license);
  }

  static Map<String, DatasetCard.Split> splits(long train, long test) {
    Map<String, DatasetCard.Split> out = new LinkedHashMap<>();
    out.put(
        "train",
        new DatasetCard.Split(
            List.of("data/train/train-00000-of-00001.parquet"), Map.of("t", train)));
    if (test > 0) {
      out.put(
          "test",
          new DatasetCard.Split(
              List.of("data/test/test-00000-of-00001.parquet"), Map.of("t", test)));
    }
    return out;
  }

  static DatasetCard card(
      ExportFormat f, Map<String, Map<String, DatasetCard.Split>> students, boolean several) {
    return new DatasetCard(
        f, facts(0.3, "apache-2.0"), students, Map.of(), Map.of(), f.format().schema(), several);
  }

  @Test
  void oneStudentIsTheDefaultConfigWithItsSplitsFilesAndFeatures() {
    String yaml = card(ExportFormat.MESSAGES, Map.of("a", splits(3, 1)), false).yamlHeader();
    assertTrue(
        yaml.startsWith(
            "---\nconfigs:\n- config_name: \"default\"\n  data_files:\n  - split: train\n    path:\n"
                + "    - \"data/train/train-00000-of-00001.parquet\"\n  - split: test\n"),
        yaml);
    assertFalse(yaml.contains("default: true"), "one config needs no default flag");
    assertTrue(yaml.contains("  - name: train\n    num_examples: 3\n"), yaml);
    assertTrue(yaml.contains("  - name: test\n    num_examples: 1\n"), yaml);
    assertTrue(
        yaml.contains(
            "  - name: \"messages\"\n    list:\n    - name: \"role\"\n      dtype: string\n"),
        yaml);
    assertTrue(yaml.contains("  - name: \"selection_rank\"\n    dtype: int32\n"), yaml);
    assertTrue(yaml.contains("- sft\n"), yaml);
    assertTrue(yaml.contains("license: \"apache-2.0\"\n"), yaml);
    assertTrue(yaml.contains("size_categories:\n- n<1K\n"), yaml);
  }

  @Test
  void severalStudentsAreAConfigEachTheFirstTheDefault() {
    Map<String, Map<String, DatasetCard.Split>> students = new LinkedHashMap<>();
    students.put("a", splits(2, 0));
    students.put("b", splits(5, 0));
    String yaml = card(ExportFormat.PAIRS, students, true).yamlHeader();
    assertTrue(yaml.contains("- config_name: \"a\"\n  default: true\n"), yaml);
    assertTrue(yaml.contains("- config_name: \"b\"\n  data_files:"), yaml);
    assertTrue(yaml.contains("- preference\n"), yaml);
  }

  @Test
  void theTextSaysWhatTheFormatIsAndHowTheTestSplitWasDrawn() {
    String md = card(ExportFormat.ALPACA, Map.of("a", splits(3, 1)), false).markdown();
    assertTrue(md.contains(ExportFormat.ALPACA.format().description()), md);
    assertTrue(md.contains("followed by \"7\""), md);
    assertTrue(md.contains("| a | train | t | 3 |"), md);
  }

  @Test
  void sizeCategoriesFollowTheHubs() {
    assertEquals("n<1K", DatasetCard.sizeCategory(999));
    assertEquals("1K<n<10K", DatasetCard.sizeCategory(1_000));
    assertEquals("1M<n<10M", DatasetCard.sizeCategory(2_000_000));
  }

  @Test
  void yamlStringsAreQuotedAndEscaped() {
    assertEquals("\"a\\\"b\\\\c\\nd\\x01\"", Yaml.string("a\"b\\c\nd\u0001"));
  }

  /**
   * A teacher named with a right-to-left override, a zero-width space or a pipe stays one cell of
   * its own row, its invisible characters written out.
   */
  @Test
  void aNameThatWouldReorderOrSplitItsRowIsShownAsItIs() {
    Map<String, DatasetCard.Split> splits = new LinkedHashMap<>();
    Map<String, Long> byTeacher = new LinkedHashMap<>();
    byTeacher.put("evil\u202Eeman", 2L);
    byTeacher.put("gpt\u200B-4", 1L);
    byTeacher.put("a|b\nc", 1L);
    splits.put(
        "train",
        new DatasetCard.Split(List.of("data/train/train-00000-of-00001.parquet"), byTeacher));
    String md = card(ExportFormat.MESSAGES, Map.of("a", splits), false).markdown();
    assertTrue(md.contains("| a | train | evil<U+202E>eman | 2 |\n"), md);
    assertTrue(md.contains("| a | train | gpt<U+200B>-4 | 1 |\n"), md);
    assertTrue(md.contains("| a | train | a\\|b c | 1 |\n"), md);
    assertFalse(md.contains("\u202E"), md);
  }
}
