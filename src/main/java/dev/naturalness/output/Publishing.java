package dev.naturalness.output;

import dev.naturalness.config.Settings;
import dev.naturalness.data.Messages;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;

/**
 * The last thing a run does: summary.json, whole; then the report moved into place; then the
 * pointer, so readers that follow it only ever see finished runs. Nothing is published by a run
 * that no longer holds its output.
 */
public final class Publishing {
  private Publishing() {}

  public static void publish(
      Outputs outputs,
      RunLock lock,
      String summaryJson,
      Settings.Job settings,
      Configuration hadoop)
      throws IOException {
    if (settings.testing().failBeforePublish()) {
      throw new JobFailure("testing.fail-before-publish: the run stops before it publishes");
    }
    lock.checkStillOurs();
    outputs.writeText(Outputs.SUMMARY, summaryJson);
    try {
      outputs.publishReport();
    } catch (IOException e) {
      throw new JobFailure(
          "the run is complete in "
              + settings.output().path()
              + ", but its report cannot be moved into place from "
              + Outputs.REPORT_STAGING
              + "/ ("
              + Messages.firstLine(e.getMessage())
              + ")");
    }
    try {
      PublishPointer.of(settings.output(), hadoop).publish(settings.output().path());
    } catch (IOException e) {
      throw new JobFailure(
          "the run is complete in "
              + settings.output().path()
              + ", but output.publish-pointer "
              + settings.output().publishPointer()
              + " cannot be written ("
              + Messages.firstLine(e.getMessage())
              + "): readers that follow it still see the run before");
    }
  }
}
