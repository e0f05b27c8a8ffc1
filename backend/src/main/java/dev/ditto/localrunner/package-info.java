/** The runner that {@code ./ditto up} starts beside the server: its token, handed over through a file. */
@NullMarked
package dev.ditto.localrunner;

import org.jspecify.annotations.NullMarked;
