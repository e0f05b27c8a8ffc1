/** Video bytes and artefacts, content-addressed by sha256, behind one small interface. */
@NullMarked
package dev.ditto.blobs;

import org.jspecify.annotations.NullMarked;
