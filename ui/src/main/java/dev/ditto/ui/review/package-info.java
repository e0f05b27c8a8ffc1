/** The keyboard-driven review loop: synced source/edited players, key frames, judge scores, decisions. */
@NullMarked
package dev.ditto.ui.review;

import org.jspecify.annotations.NullMarked;
