package dev.naturalness.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.naturalness.data.RowStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SegmenterTest {

  static List<String> steps(Segmenter segmenter, String text) {
    List<String> out = new ArrayList<>();
    for (Span s : segmenter.segment(text)) {
      out.add(text.substring(s.start(), s.end()));
    }
    assertEquals(text, String.join("", out), "steps must tile the text");
    return out;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("paragraph", "a\n\nb", List.of("a\n\n", "b")),
        Arguments.of("paragraph", "a\n \t\n\nb\nc", List.of("a\n \t\n\n", "b\nc")),
        Arguments.of("paragraph", "a\nb", List.of("a\nb")),
        Arguments.of("paragraph", "\n\n\n", List.of("\n\n\n")),
        Arguments.of("paragraph", "", List.of()),
        Arguments.of("paragraph", "a\n\n", List.of("a\n\n")),
        Arguments.of("line", "a\nb\n\nc", List.of("a\n", "b\n", "\n", "c")),
        Arguments.of("line", "no newline", List.of("no newline")),
        Arguments.of("sentence", "One. Two! Three?", List.of("One. ", "Two! ", "Three?")),
        Arguments.of("sentence", "Pi is 3.14 today. Next", List.of("Pi is 3.14 today. ", "Next")),
        Arguments.of(
            "sentence",
            "Use e.g. this and i.e. that. Dr. Who came.",
            List.of("Use e.g. this and i.e. that. ", "Dr. Who came.")),
        Arguments.of("sentence", "Really?! Yes...  Ok", List.of("Really?! ", "Yes...  ", "Ok")),
        Arguments.of("sentence", "line one\n  line two", List.of("line one\n  ", "line two")),
        Arguments.of("sentence", "end.\n\nnew", List.of("end.\n\n", "new")),
        Arguments.of("sentence", "file.txt is here", List.of("file.txt is here")),
        Arguments.of("sentence", "Tee.g. no", List.of("Tee.g. ", "no")),
        Arguments.of("sentence", "Fine. E.g. this stays.", List.of("Fine. ", "E.g. this stays.")),
        // White space that holds a newline ends a step, even right after an abbreviation.
        Arguments.of(
            "sentence",
            "- Cutting emissions from cars, trucks, etc.\n\n- Reducing waste.",
            List.of("- Cutting emissions from cars, trucks, etc.\n\n", "- Reducing waste.")),
        Arguments.of("sentence", "See Fig.\n3 below.", List.of("See Fig.\n", "3 below.")),
        Arguments.of("sentence", "etc. and more", List.of("etc. and more")));
  }

  @ParameterizedTest(name = "{0} cuts {1}")
  @MethodSource("cases")
  void segmenterCutsAfterItsSeparatorsAndTilesTheText(
      String name, String text, List<String> expected) {
    assertEquals(expected, steps(Segmenter.named(name), text));
  }

  @Test
  void givenStepsMustConcatenateToTheResponse() {
    assertEquals(
        List.of(new Span(0, 2), new Span(2, 5)),
        GivenSteps.spans("abcde", List.of("ab", "", "cde")));
    TextException e =
        assertThrows(TextException.class, () -> GivenSteps.spans("abcde", List.of("ab", "cd")));
    assertEquals(RowStatus.STEPS_MISMATCH, e.status());
  }

  @Test
  void unknownSegmenterNameIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Segmenter.named("word"));
  }
}
