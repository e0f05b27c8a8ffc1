/** Browser journeys against the packaged server, a real runner process and Debian's Chromium. */
@NullMarked
package dev.ditto.e2e;

import org.jspecify.annotations.NullMarked;
