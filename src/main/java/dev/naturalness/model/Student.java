package dev.naturalness.model;

import ai.djl.Device;
import java.nio.file.Path;

/** A loaded student: manifest, tokenizer and model, closed together. */
public final class Student implements AutoCloseable {
  private final StudentManifest manifest;
  private final StudentTokenizer tokenizer;
  private final TorchScriptStudent model;
  private final StudentRuntime runtime;

  private Student(
      StudentManifest manifest,
      StudentTokenizer tokenizer,
      TorchScriptStudent model,
      StudentRuntime runtime) {
    this.manifest = manifest;
    this.tokenizer = tokenizer;
    this.model = model;
    this.runtime = runtime;
  }

  /** Checks the directory, then loads the tokenizer and the model on {@code device}. */
  public static Student load(Path directory, Device device) {
    StudentManifest manifest = StudentManifest.read(directory);
    StudentTokenizer tokenizer = StudentTokenizer.load(manifest.tokenizerPath());
    TorchScriptStudent model;
    try {
      model = TorchScriptStudent.load(manifest, device);
    } catch (RuntimeException e) {
      tokenizer.close();
      throw e;
    }
    return new Student(
        manifest, tokenizer, model, StudentRuntime.observe(device, manifest.dtype()));
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

  /** Where it runs, as observed right after loading. */
  public StudentRuntime runtime() {
    return runtime;
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
  }
}
