DROP TABLE signal_reviews;
ALTER TABLE signups DROP COLUMN ip_address;
