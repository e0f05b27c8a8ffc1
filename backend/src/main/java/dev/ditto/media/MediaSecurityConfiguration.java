package dev.ditto.media;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * {@code /media/**} needs a signed-in user: the dashboard's session (the browser's players send its cookie) or
 * HTTP Basic for scripts. Only GET/HEAD are served, so no CSRF token is involved.
 */
@Configuration(proxyBeanMethods = false)
class MediaSecurityConfiguration {
    @Bean
    @Order(30)
    SecurityFilterChain mediaChain(HttpSecurity http) throws Exception {
        return http.securityMatcher("/media/**")
                .authorizeHttpRequests(a -> a
                        .requestMatchers(HttpMethod.GET, "/media/**").authenticated()
                        .requestMatchers(HttpMethod.HEAD, "/media/**").authenticated()
                        .anyRequest().denyAll())
                .httpBasic(Customizer.withDefaults())
                .csrf(c -> c.disable())
                .requestCache(r -> r.disable())
                .build();
    }
}
