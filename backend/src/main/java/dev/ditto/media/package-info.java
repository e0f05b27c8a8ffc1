/** Streams stored blobs (videos, key frames) to signed-in browsers, with HTTP Range for seeking. */
@NullMarked
package dev.ditto.media;

import org.jspecify.annotations.NullMarked;
