package httpapi

func (s *Server) registerActivities() {}
