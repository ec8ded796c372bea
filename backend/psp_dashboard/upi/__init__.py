"""UPI-aware statuses (issue #17 part 4): deemed pay-ins, reversals, status timelines."""
