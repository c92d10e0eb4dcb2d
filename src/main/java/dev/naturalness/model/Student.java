package dev.naturalness.model;

import ai.djl.Device;
import java.nio.file.Path;

/** A loaded student: manifest, tokenizer and model, closed together. */
public final class Student implements AutoCloseable {
  private final StudentManifest manifest;
  private final StudentTokenizer tokenizer;
  private final TorchScriptStudent model;

  private Student(StudentManifest manifest, StudentTokenizer tokenizer, TorchScriptStudent model) {
    this.manifest = manifest;
    this.tokenizer = tokenizer;
    this.model = model;
  }

  /** Checks the directory, then loads the tokenizer and the model on {@code device}. */
  public static Student load(Path directory, Device device) {
    StudentManifest manifest = StudentManifest.read(directory);
    StudentTokenizer tokenizer = StudentTokenizer.load(manifest.tokenizerPath());
    try {
      return new Student(manifest, tokenizer, TorchScriptStudent.load(manifest, device));
    } catch (RuntimeException e) {
      tokenizer.close();
      throw e;
    }
  }

  public StudentManifest manifest() {
    return manifest;
  }

  public StudentTokenizer tokenizer() {
    return tokenizer;
  }

  public TorchScriptStudent model() {
    return model;
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
  }
}
