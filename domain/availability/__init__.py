"""When people can meet: working hours, out-of-office ranges, free/busy and ranked suggestions."""
