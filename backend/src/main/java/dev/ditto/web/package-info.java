/** What every HTTP API endpoint shares: problem details for bad parameters and unknown paths. */
@NullMarked
package dev.ditto.web;

import org.jspecify.annotations.NullMarked;
