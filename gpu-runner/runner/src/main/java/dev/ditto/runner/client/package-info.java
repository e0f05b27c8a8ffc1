/** HTTP client for the runner protocol, with retries and lease-loss detection. */
@NullMarked
package dev.ditto.runner.client;

import org.jspecify.annotations.NullMarked;
