/**
 * The student: its directory manifest (checked before load), where an executor finds its files (in
 * place, copied once per node from a Hadoop path), its tokenizer, the TorchScript model run through
 * DJL's PyTorch engine, and the per-JVM cache that loads it once. No Spark here.
 */
package dev.naturalness.model;
