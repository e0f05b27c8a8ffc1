package dev.ditto.media;

import dev.ditto.platform.DatabaseUnavailableAnswers;
import dev.ditto.users.ApiAuthentication;
import dev.ditto.users.ApiSecurityConfiguration.ApiTokenFilters;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code /media/**} needs a signed-in user: the dashboard's session (the browser's players send its cookie), an API
 * token or HTTP Basic for scripts (never challenged: browsers are not to cache Basic credentials). Only GET/HEAD are
 * served, so no CSRF token is involved.
 */
@Configuration(proxyBeanMethods = false)
class MediaSecurityConfiguration {
    @Bean
    @Order(30)
    SecurityFilterChain mediaChain(HttpSecurity http, DatabaseUnavailableAnswers outage, ObjectMapper json,
                                   ApiTokenFilters tokens) throws Exception {
        return http.securityMatcher("/media/**")
                .authorizeHttpRequests(a -> a
                        .requestMatchers(HttpMethod.GET, "/media/**").authenticated()
                        .requestMatchers(HttpMethod.HEAD, "/media/**").authenticated()
                        .anyRequest().denyAll())
                .addFilterBefore(tokens.filter(false), BasicAuthenticationFilter.class)
                .httpBasic(b -> b.authenticationEntryPoint(ApiAuthentication.entryPoint(outage, json)))
                .exceptionHandling(e -> e.authenticationEntryPoint(ApiAuthentication.entryPoint(outage, json))
                        .accessDeniedHandler(ApiAuthentication.accessDenied(json)))
                .csrf(c -> c.disable())
                .requestCache(r -> r.disable())
                .build();
    }
}
