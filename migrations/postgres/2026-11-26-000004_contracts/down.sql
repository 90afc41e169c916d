DROP TABLE credit_events;
