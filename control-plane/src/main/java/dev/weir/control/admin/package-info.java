/** The operators' API ({@code AdminService}): pool changes, pool status and the proxy list. */
package dev.weir.control.admin;
