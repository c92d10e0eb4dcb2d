/**
 * The student: its directory manifest (checked before load), its tokenizer, the TorchScript model
 * run through DJL's PyTorch engine, and the per-JVM cache that loads it once. No Spark here.
 */
package dev.naturalness.model;
