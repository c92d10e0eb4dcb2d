package dev.naturalness.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.typesafe.config.ConfigUtil;
import dev.naturalness.DemoStudent;
import dev.naturalness.TestStudents;
import dev.naturalness.data.Turn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StudentManifestTest {
  @TempDir Path tmp;

  Path copyOfDemo() throws IOException {
    Path dir = tmp.resolve("student");
    Files.createDirectories(dir);
    for (String f :
        new String[] {StudentManifest.CONF, StudentManifest.MODEL, StudentManifest.TOKENIZER}) {
      Files.copy(DemoStudent.DIR.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    return dir;
  }

  static void assertOneLine(String message) {
    assertFalse(message.contains("\n"), "one line: " + message);
  }

  @Test
  void theDemoManifestReadsAndItsSha256Matches() {
    StudentManifest m = StudentManifest.read(DemoStudent.DIR);
    assertEquals(259, m.vocabSize());
    assertEquals(256, m.bosId());
    m.verifyModelSha256();
  }

  @Test
  void aWrongSha256StopsTheLoadWithOneClearMessage() throws IOException {
    Path dir = copyOfDemo();
    Path conf = dir.resolve(StudentManifest.CONF);
    Files.writeString(
        conf,
        Files.readString(conf)
            .replaceAll(
                "model-sha256 = \"[0-9a-f]+\"", "model-sha256 = \"" + "0".repeat(64) + "\""));
    StudentException e =
        assertThrows(StudentException.class, () -> Student.load(dir, Device.cpu()));
    assertTrue(
        e.getMessage().contains("sha256") && e.getMessage().contains("changed or damaged"),
        e.getMessage());
    assertOneLine(e.getMessage());
  }

  @Test
  void aMissingTokenizerStopsTheLoadWithOneClearMessage() throws IOException {
    Path dir = copyOfDemo();
    Files.delete(dir.resolve(StudentManifest.TOKENIZER));
    StudentException e =
        assertThrows(StudentException.class, () -> Student.load(dir, Device.cpu()));
    assertEquals("student directory " + dir + " has no tokenizer.json", e.getMessage());
  }

  @Test
  void anUnreadableModelStopsTheLoadWithOneClearMessage() throws IOException {
    Path dir = copyOfDemo();
    Path model = dir.resolve(StudentManifest.MODEL);
    Files.writeString(model, "not a TorchScript archive");
    Path conf = dir.resolve(StudentManifest.CONF);
    Files.writeString(
        conf,
        Files.readString(conf)
            .replaceAll(
                "model-sha256 = \"[0-9a-f]+\"",
                "model-sha256 = \"" + StudentManifest.sha256(model) + "\""));
    StudentException e =
        assertThrows(StudentException.class, () -> Student.load(dir, Device.cpu()));
    assertTrue(
        e.getMessage().startsWith(model + " cannot be loaded as TorchScript"), e.getMessage());
    assertOneLine(e.getMessage());
  }

  @Test
  void aMissingDirectoryNamesTheSetting() {
    StudentException e =
        assertThrows(StudentException.class, () -> StudentManifest.read(tmp.resolve("nope")));
    assertTrue(e.getMessage().endsWith("does not exist; set student.path"), e.getMessage());
  }

  static final String CHAT_TEMPLATE = TestStudents.DEMO_CHAT_TEMPLATE + "family = \"byte-demo\"\n";

  @Test
  void aChatTemplateAndFamilyAreReadAndOneUserTurnMustRenderAsThePromptTemplate()
      throws IOException {
    Path dir = copyOfDemo();
    Path conf = dir.resolve(StudentManifest.CONF);
    String demo = Files.readString(conf);
    Files.writeString(conf, demo + CHAT_TEMPLATE);
    StudentManifest m = StudentManifest.read(dir);
    assertEquals("byte-demo", m.family());
    assertEquals(
        "System: Be brief.\nProblem: 2+2?\nSolution:\n",
        m.chatTemplate()
            .render(List.of(new Turn("system", "Be brief."), new Turn("user", "2+2?"))));

    Files.writeString(conf, demo + CHAT_TEMPLATE.replace("Problem: {content}", "Q: {content}"));
    StudentException e = assertThrows(StudentException.class, () -> StudentManifest.read(dir));
    assertEquals(
        conf
            + ": chat-template renders one user turn otherwise than prompt-template; re-export the"
            + " student, or remove chat-template",
        e.getMessage());

    Files.writeString(conf, demo + CHAT_TEMPLATE.replace("System: {content}", "System:"));
    e = assertThrows(StudentException.class, () -> StudentManifest.read(dir));
    assertEquals(conf + ": chat-template: its system piece has no {content}", e.getMessage());
    assertOneLine(e.getMessage());
  }

  @ParameterizedTest(name = "name = \"{0}\" is refused")
  @ValueSource(
      strings = {
        "../../../../../../../X",
        "a/b",
        "..",
        ".",
        "",
        "with space",
        "x\\y",
        "ü",
        ".hidden",
        "-flag"
      })
  void aStudentNameThatIsNotAPlainNameIsRefusedInOneLine(String name) throws IOException {
    Path dir = copyOfDemo();
    Path conf = dir.resolve(StudentManifest.CONF);
    Files.writeString(
        conf,
        Files.readString(conf)
            .replace("name = \"demo-student\"", "name = " + ConfigUtil.quoteString(name)));
    StudentException e = assertThrows(StudentException.class, () -> StudentManifest.read(dir));
    assertTrue(e.getMessage().contains("is not a plain name"), e.getMessage());
    assertOneLine(e.getMessage());
  }

  @Test
  void plainNamesOfRealStudentsAreAccepted() {
    for (String name : new String[] {"demo-student", "Qwen2.5-1.5B-Instruct", "s1_v2.final"}) {
      assertEquals(name, StudentManifest.plainName(Path.of("student.conf"), name));
    }
  }
}
