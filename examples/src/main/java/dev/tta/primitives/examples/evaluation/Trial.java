package dev.tta.primitives.examples.evaluation;

/**
 * One measurement to make: a setting on a corpus.
 *
 * @param codec the setting
 * @param corpus the files
 */
public record Trial(Codec codec, Corpus corpus) {}
