"""Use cases. Each public function is one transaction: it checks permissions, asks the domain, and writes
the audit row and the event row together with the change."""
