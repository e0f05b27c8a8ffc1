/** The application frame: navigation drawer, header, sign-out. */
@NullMarked
package dev.ditto.ui.layout;

import org.jspecify.annotations.NullMarked;
