package dev.ditto.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;

/**
 * Server settings every Ditto server starts with (the dashboard's and the backend's test application alike), with the
 * lowest precedence: the session cookie is {@code HttpOnly} and {@code SameSite=Lax} ({@code Secure} whenever the
 * request came over TLS, which Tomcat decides), and {@code X-Forwarded-Proto} of a reverse proxy at an internal
 * address is honoured ({@code server.forward-headers-strategy=native}). See docs/security.md.
 */
@Configuration(proxyBeanMethods = false)
@PropertySource("classpath:dev/ditto/web/server-defaults.properties")
class ServerDefaults {}
