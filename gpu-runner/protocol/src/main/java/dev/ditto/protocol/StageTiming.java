package dev.ditto.protocol;

/** Seconds one stage spent, split by device. */
public record StageTiming(double wallSeconds, double cpuSeconds, double gpuSeconds) {}
