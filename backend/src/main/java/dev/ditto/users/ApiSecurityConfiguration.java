package dev.ditto.users;

import dev.ditto.platform.DatabaseUnavailableAnswers;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authorization.AuthorityAuthorizationManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationManagers;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import tools.jackson.databind.ObjectMapper;

/**
 * Security of the HTTP API: health and info are public, the Prometheus scrape needs an admin or the scrape token; {@code /api/**} (automation, CLI) takes personal API
 * tokens ({@link ApiTokens}), HTTP Basic with the users' passwords (both throttled: {@link LoginThrottleConfiguration}) or the dashboard's session with its CSRF
 * token ({@link ApiAuthentication}), and checks roles per endpoint. The runner protocol ({@code /api/runner/**}) has its own
 * chain with runner tokens; the dashboard's chain lives in the ui module.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
public class ApiSecurityConfiguration {

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    /** Makes the API-token filter of each chain (a filter is not a bean, or Spring Boot would also run it outside). */
    @Bean
    ApiTokenFilters apiTokenFilters(ApiTokens tokens, LoginThrottle throttle, ObjectMapper json,
                                    ObjectProvider<SecurityContextHolderStrategy> strategyBean) {
        // the same strategy HttpSecurity's own filters use: a bean when one exists (the dashboard's Vaadin security
        // registers one), else the global one
        SecurityContextHolderStrategy strategy = strategyBean.getIfAvailable(SecurityContextHolder::getContextHolderStrategy);
        return onlyOwnPrefix -> new ApiTokenFilter(tokens, throttle, json, strategy, onlyOwnPrefix);
    }

    /** The API-token filter for one chain. */
    @FunctionalInterface
    public interface ApiTokenFilters {
        Filter filter(boolean onlyOwnPrefix);
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

    /**
     * Health and info are public; the Prometheus scrape takes an admin's HTTP Basic or, when
     * {@code ditto.security.prometheus-token} is set, {@code Authorization: Bearer <token>}; the rest is for admins.
     */
    @Bean
    @Order(10)
    SecurityFilterChain actuatorChain(HttpSecurity http, DatabaseUnavailableAnswers outage, ObjectMapper json,
                                      ApiTokenFilters tokens,
                                      @Value("${ditto.security.prometheus-token:}") String scrapeToken) throws Exception {
        AuthorizationManager<RequestAuthorizationContext> scraper = (auth, context) ->
                new AuthorizationDecision(bearerMatches(context.getRequest().getHeader("Authorization"), scrapeToken));
        return http.securityMatcher("/actuator/**")
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/actuator/health/**", "/actuator/health", "/actuator/info").permitAll()
                        .requestMatchers("/actuator/prometheus")
                        .access(AuthorizationManagers.anyOf(AuthorityAuthorizationManager.hasRole("ADMIN"), scraper))
                        .anyRequest().hasRole("ADMIN"))
                // a password that could not be checked (database down) is a 503, not a 401; a locked-out sign-in a 429
                // personal API tokens (dtu_…) besides the scrape token; HTTP Basic without a challenge
                .addFilterBefore(tokens.filter(true), BasicAuthenticationFilter.class)
                .httpBasic(b -> b.authenticationEntryPoint(ApiAuthentication.entryPoint(outage, json)))
                .exceptionHandling(e -> e.authenticationEntryPoint(ApiAuthentication.entryPoint(outage, json))
                        .accessDeniedHandler(ApiAuthentication.accessDenied(json)))
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .build();
    }

    /** Whether the header is {@code Bearer <token>} with the configured token (never when none is configured). */
    static boolean bearerMatches(@Nullable String header, String token) {
        if (token.isBlank() || header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(header.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code /api/**}: an API token ({@code Authorization: Bearer dtu_…}), HTTP Basic (scripts; never challenged, so
     * browsers never cache it) or the dashboard's session, which is read but never created here, nor its sign-in changed. A state
     * change that relies on the session needs its CSRF token; one a browser marks as cross-site is refused.
     */
    @Bean
    @Order(20)
    SecurityFilterChain apiChain(HttpSecurity http, DatabaseUnavailableAnswers outage, ObjectMapper json,
                                 ApiTokenFilters tokens) throws Exception {
        AuthenticationEntryPoint entryPoint = ApiAuthentication.entryPoint(outage, json);
        return http.securityMatcher("/api/**")
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/api/openapi", "/api/openapi.yaml", "/api/openapi/**", "/api/runner/openapi.yaml").permitAll()
                        .anyRequest().authenticated())
                .securityContext(c -> c.securityContextRepository(new DelegatingSecurityContextRepository(
                        new RequestAttributeSecurityContextRepository(), ApiAuthentication.sessionReader())))
                .addFilterBefore(ApiAuthentication.crossSiteGuard(json), CsrfFilter.class)
                .addFilterBefore(tokens.filter(false), BasicAuthenticationFilter.class)
                // a password that could not be checked (database down) is a 503, not a 401; a locked-out sign-in a 429
                .httpBasic(b -> b.authenticationEntryPoint(entryPoint))
                .exceptionHandling(e -> e.authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler(ApiAuthentication.accessDenied(json)))
                .csrf(c -> c.csrfTokenRepository(new HttpSessionCsrfTokenRepository())
                        .requireCsrfProtectionMatcher(ApiAuthentication.CSRF_REQUIRED))
                .requestCache(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.NEVER))
                .build();
    }
}
