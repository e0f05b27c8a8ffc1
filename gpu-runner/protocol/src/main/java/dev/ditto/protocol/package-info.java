/** The runner protocol: versioned JSON records exchanged between the server and GPU runners over HTTP. */
@NullMarked
package dev.ditto.protocol;

import org.jspecify.annotations.NullMarked;
