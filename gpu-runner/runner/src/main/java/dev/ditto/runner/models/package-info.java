/** Locates the model files the runner's detectors need, and records which one produced a score. */
@NullMarked
package dev.ditto.runner.models;

import org.jspecify.annotations.NullMarked;
