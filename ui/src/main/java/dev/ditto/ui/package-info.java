/** The Vaadin dashboard and the Spring Boot application that packages the whole server. */
@NullMarked
package dev.ditto.ui;

import org.jspecify.annotations.NullMarked;
