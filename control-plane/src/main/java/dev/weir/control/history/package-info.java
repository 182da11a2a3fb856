/**
 * Who changed what, and when: the caller's identity on each admin call, and the revision history
 * (listing, diffing and rolling back revisions) over the store.
 */
package dev.weir.control.history;
