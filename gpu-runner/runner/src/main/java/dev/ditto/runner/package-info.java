/** The runner CLI and its job loop: register, claim, heartbeat, run, upload, complete or fail. */
@NullMarked
package dev.ditto.runner;

import org.jspecify.annotations.NullMarked;
