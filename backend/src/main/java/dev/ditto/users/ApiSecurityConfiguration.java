package dev.ditto.users;

import dev.ditto.platform.DatabaseUnavailableAnswers;
import jakarta.servlet.DispatcherType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Security of the HTTP API: health is public; {@code /api/**} (automation, CLI) takes HTTP Basic with the
 * users' passwords and checks roles per endpoint. The runner protocol ({@code /api/runner/**}) has its own
 * chain with runner tokens; the dashboard's chain lives in the ui module.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
public class ApiSecurityConfiguration {

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    /**
     * The error page a failed request is forwarded to renders that request's error: it needs no authorisation of its
     * own. Without this chain the forward met the dashboard's chain, and an API client that sent an empty score
     * range was told 403 instead of 400 with the reason.
     */
    @Bean
    @Order(5)
    SecurityFilterChain errorDispatchChain(HttpSecurity http) throws Exception {
        return http.securityMatcher(request -> request.getDispatcherType() == DispatcherType.ERROR)
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .csrf(c -> c.disable())
                .requestCache(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .build();
    }

    @Bean
    @Order(10)
    SecurityFilterChain actuatorChain(HttpSecurity http, DatabaseUnavailableAnswers outage) throws Exception {
        return http.securityMatcher("/actuator/**")
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/actuator/health/**", "/actuator/health", "/actuator/info", "/actuator/prometheus").permitAll()
                        .anyRequest().hasRole("ADMIN"))
                // a password that could not be checked (database down) is a 503, not a 401
                .httpBasic(b -> b.authenticationEntryPoint(outage.entryPoint()))
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .build();
    }

    @Bean
    @Order(20)
    SecurityFilterChain apiChain(HttpSecurity http, DatabaseUnavailableAnswers outage) throws Exception {
        return http.securityMatcher("/api/**")
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/api/openapi/**", "/api/runner/openapi.yaml").permitAll()
                        .anyRequest().authenticated())
                // a password that could not be checked (database down) is a 503, not a 401
                .httpBasic(b -> b.authenticationEntryPoint(outage.entryPoint()))
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .build();
    }
}
