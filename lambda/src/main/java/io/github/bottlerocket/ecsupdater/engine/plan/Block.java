package io.github.bottlerocket.ecsupdater.engine.plan;

import io.github.bottlerocket.ecsupdater.engine.Reason;

/**
 * Why something may not start now.
 *
 * @param reason the reason, as reported
 * @param detail the specifics, for the report
 */
record Block(Reason reason, String detail) {}
