package dev.ditto;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The backend's Spring Boot application for integration tests (the real server lives in the ui module). */
@SpringBootApplication(scanBasePackages = "dev.ditto")
public class BackendTestApplication {}
