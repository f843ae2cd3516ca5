"""Push: Amazon's Notifications API delivering ORDER_CHANGE (and feed/report completions) to the operator's SQS
queue; the consumer turns each notification into the smallest Amazon call that brings the order up to date."""
